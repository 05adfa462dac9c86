//! Byte-exact HTTP/1.1 transport.
