round(({{column}})::numeric, 2)
