/* config
materialized: view
tags: [shop]
description: One row per customer, from the daily customer exports.
columns:
  customer_id: { description: The shop's customer id }
  email: { description: Lower-cased e-mail address }
*/
select distinct on (customer_id)
       customer_id,
       lower(email) as email,
       full_name,
       country,
       signed_up_at
  from {{source "shop" "customers"}}
 order by customer_id, _ds desc
