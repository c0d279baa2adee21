"""Disclosure control: which published cells to hide so that no count of persons from 1 up to
the catalog's limit can be seen or worked out (suppress, with its linear-programming stage in
protection), and the audit that checks it from the published files alone (audit), both on one
model of cells and the linear relations between them (cells, relations, system) and HiGHS linear
programmes (lp); tau-Argus as the reference (tauargus)."""
