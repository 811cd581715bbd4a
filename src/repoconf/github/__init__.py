"""GitHub transport: the REST client (pagination, rate limits, retries) and its errors.

It knows nothing of policies, the audit or the program: callers hand it paths and get JSON back.
"""
