# tests of rpc
