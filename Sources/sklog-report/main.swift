print("sklog-report")
