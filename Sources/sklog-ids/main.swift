print("sklog-ids")
