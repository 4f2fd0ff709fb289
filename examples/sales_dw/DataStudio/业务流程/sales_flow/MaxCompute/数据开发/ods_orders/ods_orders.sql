-- ods: copy yesterday's orders
INSERT OVERWRITE TABLE sales_dev.ods_orders PARTITION (dt='${bizdate}')
SELECT order_id, customer_id, amount, created_at
FROM sales_dev.src_orders
WHERE dt = '${bizdate}';
