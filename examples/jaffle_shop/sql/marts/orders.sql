/* config
description: This table has basic information about orders, as well as some derived facts based on payments
columns:
  order_id: This is a unique identifier for an order
  customer_id: Foreign key to the customers table
  order_date: Date (UTC) that the order was placed
  status: "One of placed, shipped, completed, return_pending, returned"
  amount: Total amount (AUD) of the order
*/
with orders as (

    select * from {{ref "stg_orders"}}

),

payments as (

    select * from {{ref "stg_payments"}}

),

order_payments as (

    select
        order_id,

        {{#each (var "payment_methods") as |payment_method|}}
        sum(case when payment_method = {{payment_method}} then amount else 0 end) as {{ident (concat payment_method "_amount")}},
        {{/each}}

        sum(amount) as total_amount

    from payments

    group by order_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.order_date,
        orders.status,

        {{#each (var "payment_methods") as |payment_method|}}
        order_payments.{{ident (concat payment_method "_amount")}},
        {{/each}}

        order_payments.total_amount as amount

    from orders


    left join order_payments
        on orders.order_id = order_payments.order_id

)

select * from final
