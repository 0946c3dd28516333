package web

// RenderWhole makes the library's shared pages render whole instead of
// from kept pieces, for the test that compares the two.
var RenderWhole = &renderWhole
