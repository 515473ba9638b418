print("sklog")
