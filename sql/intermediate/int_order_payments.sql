/* config
materialized: ephemeral
description: Orders with their captured payment (inlined into the marts that use it).
*/
select o.order_id,
       o.customer_id,
       o.status,
       o.ordered_at,
       p.method,
       coalesce(p.amount, 0) as paid_amount,
       p.paid_at
  from {{ref "stg_orders"}} o
  left join {{ref "stg_payments"}} p on p.order_id = o.order_id and p.is_captured
