/* config
materialized: view
tags: [shop]
description: Orders per order day by how far they got (placed → paid → shipped → delivered; cancelled).
*/
select (ordered_at at time zone 'UTC')::date as order_day,
       count(*) as placed,
       count(*) filter (where status in ('paid', 'shipped', 'delivered')) as paid,
       count(*) filter (where status in ('shipped', 'delivered')) as shipped,
       count(*) filter (where status = 'delivered') as delivered,
       count(*) filter (where status = 'cancelled') as cancelled
  from {{ref "stg_orders"}}
 group by 1
