INSERT OVERWRITE TABLE sales_dev.dws_sales_daily PARTITION (dt='${bizdate}')
SELECT region, SUM(amount) AS total, add_one(COUNT(*)) AS orders_plus_one
FROM sales_dev.dwd_orders WHERE dt = '${bizdate}' GROUP BY region;
