"""`repoconf render`: the real Pulumi program run under Pulumi's mocks, no credentials needed."""
