INSERT OVERWRITE TABLE sales_dev.ods_customers PARTITION (dt='${bizdate}')
SELECT id, name, region FROM sales_dev.src_customers WHERE dt = '${bizdate}';
