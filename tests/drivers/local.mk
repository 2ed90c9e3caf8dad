# tests of drivers
