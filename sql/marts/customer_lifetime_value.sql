/* config
materialized: table
tags: [finance]
description: Per customer, what they ordered and paid over their lifetime.
*/
select c.customer_id,
       c.email,
       c.country,
       count(op.order_id) as orders,
       count(op.order_id) filter (where op.status <> 'cancelled') as completed_orders,
       {{> money column="coalesce(sum(op.paid_amount), 0)"}} as lifetime_value,
       min(op.ordered_at) as first_order_at,
       max(op.ordered_at) as last_order_at
  from {{ref "stg_customers"}} c
  left join {{ref "int_order_payments"}} op on op.customer_id = c.customer_id
 group by c.customer_id, c.email, c.country
