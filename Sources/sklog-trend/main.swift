print("sklog-trend")
