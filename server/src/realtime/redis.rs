//! Redis fan-out between nodes (placeholder until the Redis broker lands).
