/* eslint-disable @typescript-eslint/no-explicit-any -- a migration sees whatever schema its time had (Kysely's guidance) */
import { sql, type CreateTableBuilder, type Kysely } from "kysely";

const MONEY = sql`decimal(19,4)`;
const UTC_TIME = sql`datetime(3)`;
const ID = "varchar(64)";

/** InnoDB, utf8mb4 and binary collation: the store's ids are case-sensitive ("A1" is not "a1"). */
function tableOptions<T extends string, C extends string>(builder: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
  return builder.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`);
}

export async function up(db: Kysely<any>): Promise<void> {
  await tableOptions(
    db.schema
      .createTable("stores")
      .addColumn("id", "integer", (c) => c.unsigned().autoIncrement().primaryKey())
      .addColumn("name", "varchar(200)", (c) => c.notNull())
      .addColumn("currency", "char(3)", (c) => c.notNull())
      .addColumn("timezone", "varchar(64)", (c) => c.notNull())
      .addColumn("created_at", UTC_TIME, (c) => c.notNull()),
  ).execute();

  // The one table whose lookups cannot lead with the store: the key is how the store is found.
  await tableOptions(
    db.schema
      .createTable("api_keys")
      .addColumn("id", ID, (c) => c.notNull().primaryKey())
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("key_hash", "char(64)", (c) => c.notNull().unique())
      .addColumn("created_at", UTC_TIME, (c) => c.notNull())
      .addColumn("revoked_at", UTC_TIME)
      .addForeignKeyConstraint("api_keys_store_fk", ["store_id"], "stores", ["id"]),
  ).execute();
  await db.schema.createIndex("api_keys_store").on("api_keys").columns(["store_id", "created_at"]).execute();

  await tableOptions(
    db.schema
      .createTable("products")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn("name", "varchar(255)", (c) => c.notNull())
      .addColumn("category", "varchar(100)")
      .addColumn("updated_at", UTC_TIME, (c) => c.notNull())
      .addPrimaryKeyConstraint("products_pk", ["store_id", "id"]),
  ).execute();
  await db.schema.createIndex("products_category").on("products").columns(["store_id", "category"]).execute();

  await tableOptions(
    db.schema
      .createTable("customers")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn("first_seen_at", UTC_TIME, (c) => c.notNull())
      .addPrimaryKeyConstraint("customers_pk", ["store_id", "id"]),
  ).execute();

  await tableOptions(
    db.schema
      .createTable("orders")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn("customer_id", ID)
      .addColumn("created_at", UTC_TIME, (c) => c.notNull())
      .addColumn("currency", "char(3)", (c) => c.notNull())
      .addColumn("status", sql`enum('paid','cancelled')`, (c) => c.notNull())
      .addColumn("channel", "varchar(50)")
      .addColumn("units", "integer", (c) => c.unsigned().notNull())
      .addColumn("gross_sales", MONEY, (c) => c.notNull())
      .addColumn("discounts", MONEY, (c) => c.notNull())
      .addColumn("shipping", MONEY, (c) => c.notNull())
      .addColumn("taxes", MONEY, (c) => c.notNull())
      .addColumn("total", MONEY, (c) => c.notNull())
      .addColumn("updated_at", UTC_TIME, (c) => c.notNull())
      .addPrimaryKeyConstraint("orders_pk", ["store_id", "id"]),
  ).execute();
  await db.schema.createIndex("orders_by_time").on("orders").columns(["store_id", "status", "created_at"]).execute();
  await db.schema
    .createIndex("orders_by_customer")
    .on("orders")
    .columns(["store_id", "customer_id", "status", "created_at"])
    .execute();

  await tableOptions(
    db.schema
      .createTable("order_lines")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("order_id", ID, (c) => c.notNull())
      .addColumn("line_no", "smallint", (c) => c.unsigned().notNull())
      .addColumn("product_id", ID, (c) => c.notNull())
      .addColumn("quantity", "integer", (c) => c.unsigned().notNull())
      .addColumn("unit_price", MONEY, (c) => c.notNull())
      .addColumn("gross", MONEY, (c) => c.notNull())
      .addColumn("discount", MONEY, (c) => c.notNull())
      .addColumn("created_at", UTC_TIME, (c) => c.notNull())
      .addColumn("status", sql`enum('paid','cancelled')`, (c) => c.notNull())
      .addPrimaryKeyConstraint("order_lines_pk", ["store_id", "order_id", "line_no"]),
  ).execute();
  await db.schema
    .createIndex("order_lines_by_time")
    .on("order_lines")
    .columns(["store_id", "status", "created_at", "product_id"])
    .execute();

  await tableOptions(
    db.schema
      .createTable("refunds")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn("order_id", ID, (c) => c.notNull())
      .addColumn("created_at", UTC_TIME, (c) => c.notNull())
      .addColumn("amount", MONEY, (c) => c.notNull())
      .addPrimaryKeyConstraint("refunds_pk", ["store_id", "id"]),
  ).execute();
  await db.schema.createIndex("refunds_by_time").on("refunds").columns(["store_id", "created_at"]).execute();
  await db.schema.createIndex("refunds_by_order").on("refunds").columns(["store_id", "order_id"]).execute();

  await tableOptions(
    db.schema
      .createTable("refund_lines")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("refund_id", ID, (c) => c.notNull())
      .addColumn("line_no", "smallint", (c) => c.unsigned().notNull())
      .addColumn("order_id", ID, (c) => c.notNull())
      .addColumn("product_id", ID, (c) => c.notNull())
      .addColumn("quantity", "integer", (c) => c.unsigned().notNull())
      .addColumn("amount", MONEY, (c) => c.notNull())
      .addColumn("created_at", UTC_TIME, (c) => c.notNull())
      .addPrimaryKeyConstraint("refund_lines_pk", ["store_id", "refund_id", "line_no"]),
  ).execute();
  await db.schema
    .createIndex("refund_lines_by_time")
    .on("refund_lines")
    .columns(["store_id", "created_at", "product_id"])
    .execute();

  await tableOptions(
    db.schema
      .createTable("events")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn(
        "type",
        sql`enum('session_start','page_view','product_view','add_to_cart','checkout_start','purchase')`,
        (c) => c.notNull(),
      )
      .addColumn("session_id", ID, (c) => c.notNull())
      .addColumn("occurred_at", UTC_TIME, (c) => c.notNull())
      .addColumn("customer_id", ID)
      .addColumn("product_id", ID)
      .addColumn("order_id", ID)
      .addPrimaryKeyConstraint("events_pk", ["store_id", "id"]),
  ).execute();
  await db.schema
    .createIndex("events_by_time")
    .on("events")
    .columns(["store_id", "occurred_at", "session_id"])
    .execute();

  await tableOptions(
    db.schema
      .createTable("sessions")
      .addColumn("store_id", "integer", (c) => c.unsigned().notNull())
      .addColumn("id", ID, (c) => c.notNull())
      .addColumn("started_at", UTC_TIME, (c) => c.notNull())
      .addColumn("last_event_at", UTC_TIME, (c) => c.notNull())
      .addColumn("customer_id", ID)
      .addColumn("events", "integer", (c) => c.unsigned().notNull())
      .addColumn("product_viewed", "boolean", (c) => c.notNull())
      .addColumn("added_to_cart", "boolean", (c) => c.notNull())
      .addColumn("reached_checkout", "boolean", (c) => c.notNull())
      .addColumn("converted", "boolean", (c) => c.notNull())
      .addPrimaryKeyConstraint("sessions_pk", ["store_id", "id"]),
  ).execute();
  await db.schema.createIndex("sessions_by_start").on("sessions").columns(["store_id", "started_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "sessions",
    "events",
    "refund_lines",
    "refunds",
    "order_lines",
    "orders",
    "customers",
    "products",
    "api_keys",
    "stores",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
