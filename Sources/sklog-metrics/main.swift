print("sklog-metrics")
