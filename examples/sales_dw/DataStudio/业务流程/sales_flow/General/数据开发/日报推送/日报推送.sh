#!/bin/bash
echo "daily sales report for ${bizdate} is ready in sales_dev"
