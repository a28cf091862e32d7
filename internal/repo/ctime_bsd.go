//go:build darwin || ios || freebsd || netbsd

package repo

import (
	"syscall"
	"time"
)

// changeTime is the inode change time (ctime), which these systems keep
// in Ctimespec.
func changeTime(st *syscall.Stat_t) time.Time {
	return time.Unix(int64(st.Ctimespec.Sec), int64(st.Ctimespec.Nsec))
}
