// Package merge is the three-way merge behind `ozg-new update`: base is
// what the generator produced last time, ours is the repository now and
// theirs is what the generator produces now. The team's edits survive a
// regeneration, and whatever cannot be combined safely is reported as a
// conflict rather than guessed.
//
// Text merges one file line by line (a Myers diff of each side against
// base and a diff3-style merge, with git-style conflict markers including
// the base section). Trees merges whole trees: per path it decides
// between taking theirs, keeping ours, merging lines or reporting a
// conflict, follows files the template renamed, and never merges binary
// files. IsBinary decides what counts as binary.
//
// The package is pure: it works on in-memory trees (package tree) and
// byte slices, touches neither the disk nor git, and is deterministic.
package merge
