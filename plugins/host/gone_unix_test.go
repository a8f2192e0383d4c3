//go:build unix

package host

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

// waitGone fails the test unless process pid is gone — exited and reaped —
// within a few seconds.
func waitGone(t testing.TB, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no PID to check")
	}
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin process %d is still there", pid)
		}
		<-tick.C
	}
}
