import type { ColumnSpec } from 'sluice';

/** The demo sources' declared columns: what lands in the lake and becomes the raw tables. */
export const CUSTOMER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'customer_id', type: 'bigint', nullable: false },
  { name: 'email', type: 'text', nullable: false },
  { name: 'full_name', type: 'text' },
  { name: 'country', type: 'text' },
  { name: 'signed_up_at', type: 'timestamptz', nullable: false },
];

export const ORDER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'order_id', type: 'text', nullable: false },
  { name: 'customer_id', type: 'bigint', nullable: false },
  { name: 'status', type: 'text', nullable: false },
  { name: 'amount', type: 'numeric', nullable: false },
  { name: 'currency', type: 'text', nullable: false },
  { name: 'ordered_at', type: 'timestamptz', nullable: false },
  { name: 'updated_at', type: 'timestamptz', nullable: false },
];

export const PAYMENT_COLUMNS: readonly ColumnSpec[] = [
  { name: 'payment_id', type: 'text', nullable: false },
  { name: 'order_id', type: 'text', nullable: false },
  { name: 'method', type: 'text', nullable: false },
  { name: 'amount', type: 'numeric', nullable: false },
  { name: 'status', type: 'text', nullable: false },
  { name: 'paid_at', type: 'timestamptz', nullable: false },
];
