/* config
materialized: incremental
unique_key: [ds, method]
tags: [finance, daily]
description: Captured revenue per day and payment method; a run rebuilds its own day.
columns:
  ds: { description: Day the payment was captured (UTC) }
  revenue: { description: "Sum of captured payments, EUR" }
*/
select (paid_at at time zone 'UTC')::date as ds,
       method,
       count(*) as payments,
       {{> money column="sum(paid_amount)"}} as revenue
  from {{ref "int_order_payments"}}
 where method is not null
{{#if is_incremental}}
   and (paid_at at time zone 'UTC')::date = {{ds}}
{{/if}}
 group by 1, 2
