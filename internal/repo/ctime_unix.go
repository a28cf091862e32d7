//go:build unix && !(darwin || ios || freebsd || netbsd)

package repo

import (
	"syscall"
	"time"
)

// changeTime is the inode change time (ctime), which Linux, OpenBSD,
// DragonFly, Solaris, illumos and AIX keep in Ctim.
func changeTime(st *syscall.Stat_t) time.Time {
	return time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec))
}
