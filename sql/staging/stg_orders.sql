/* config
materialized: incremental
unique_key: [order_id]
tags: [shop, daily]
description: >
  One row per order with its latest status. Each day's raw partition holds the orders placed that
  day and the older orders that changed; an incremental run merges its day and any later ones, so
  re-running an old day never puts back a status a later day replaced.
columns:
  order_id: { description: The shop's order id }
  status: { description: "placed, paid, shipped, delivered or cancelled" }
*/
select distinct on (order_id)
       order_id,
       customer_id,
       status,
       amount,
       currency,
       ordered_at,
       updated_at
  from {{source "shop" "orders"}}
{{#if is_incremental}}
 where _ds >= {{ds}}
{{/if}}
 order by order_id, updated_at desc
