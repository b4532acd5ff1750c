/* config
materialized: view
tags: [payments]
description: Payments as the provider reports them, one row per payment.
*/
select payment_id,
       order_id,
       method,
       amount,
       status = 'captured' as is_captured,
       paid_at
  from {{source "payments" "payments"}}
