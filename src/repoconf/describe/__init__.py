"""`repoconf import`: a live repository described as a policy."""
