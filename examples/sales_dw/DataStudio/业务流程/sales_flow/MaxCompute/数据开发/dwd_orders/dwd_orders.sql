-- 'sales_dev.' inside this string must stay as written
INSERT OVERWRITE TABLE sales_dev.dwd_orders PARTITION (dt='${bizdate}')
SELECT o.order_id, c.region, o.amount, 'from sales_dev.ods_orders' AS note
FROM sales_dev.ods_orders o JOIN sales_dev.ods_customers c ON o.customer_id = c.id
WHERE o.dt = '${bizdate}' AND c.dt = '${bizdate}';
