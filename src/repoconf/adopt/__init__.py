"""`repoconf adopt`: a `pulumi import --file` document that brings an existing repository under the stack."""
