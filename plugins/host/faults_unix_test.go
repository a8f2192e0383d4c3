//go:build unix

package host

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// badPlugin links the test binary as the misbehaving plugin of mode in a
// fresh directory and returns the link's path.
func badPlugin(t *testing.T, mode string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad-"+mode)
	if err := os.Symlink(testExe(t), path); err != nil {
		t.Fatal(err)
	}
	return path
}

// pidOf reads the PID the plugin at path wrote when it started.
func pidOf(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path + ".pid")
	if err != nil {
		t.Fatalf("the plugin did not start: %v", err)
	}
	pid, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// Each fault fails that plugin's run with a message naming the plugin and
// the point of the run, keeps the results of the other schedulers of the
// same RunAll, and leaves no process behind.
func TestFaults(t *testing.T) {
	cat, reqs := testWorkload(t)
	fast := Config{DecisionTimeout: 200 * time.Millisecond, RunBudget: 5 * time.Second, StartTimeout: 5 * time.Second}
	for _, tc := range []struct {
		mode string
		cfg  Config
		want []string // substrings of the error
	}{
		{"exit", fast, []string{"failed to start", "exited, or closed its standard output, before the handshake", "deliberately exiting at start"}},
		{"handshake", fast, []string{"handshake", "incompatible API version"}},
		{"garbage", fast, []string{"handshake", "Hello! This is not a go-plugin handshake line"}},
		{"crash", fast, []string{"(decision ", "crashed", "deliberate crash in a goroutine"}},
		{"hang", fast, []string{"(decision ", "no answer within the decision deadline of 200ms to a batch of 1 decision(s)"}},
		{"slow", Config{DecisionTimeout: time.Second, RunBudget: 150 * time.Millisecond},
			[]string{"(decision ", "run budget exhausted", "limit 150ms"}},
		{"unknown", fast, []string{"(decision ", "picked task 1073741824, which does not exist (the run has tasks 0..299)"}},
		{"disagree", fast, []string{"(decision ", "forced decision", "the host ran task", "the only runnable one, but policy scripted picked task 1073741824"}},
		{"finished", fast, []string{"(decision ", "which already finished; the runnable tasks were"}},
		{"error", fast, []string{"(decision ", "the plugin reported an error", "deliberate failure"}},
		{"fcfs", Config{SHA256: strings.Repeat("ab", 32)}, []string{"refused to start: its SHA-256 is not abab", "checksums did not match"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			path := badPlugin(t, tc.mode)
			fcfs, _ := policies.ParseSpec("fcfs")
			var good *Scheduler
			goodJob := builtinJob(fcfs, testExe(t), Config{})
			jobs := []harness.Job{
				{Label: "in-process", New: func() (scheduler.Scheduler, error) { return fcfs.New(), nil }},
				pluginJob(path, tc.cfg),
				{Label: goodJob.Label, New: func() (scheduler.Scheduler, error) {
					s, err := goodJob.New()
					if err == nil {
						good = s.(*Scheduler)
					}
					return s, err
				}},
			}
			outs, errs := harness.RunAll(cat, reqs, jobs, harness.Options{}, 1)
			if errs[0] != nil || errs[2] != nil || outs[0] == nil || outs[2] == nil {
				t.Fatalf("the other schedulers' runs failed: %v; %v", errs[0], errs[2])
			}
			if outs[0].Metrics != outs[2].Metrics {
				t.Errorf("the good plugin's results differ from the in-process run")
			}
			err := errs[1]
			if err == nil {
				t.Fatalf("the %s plugin's run did not fail", tc.mode)
			}
			msg := err.Error()
			t.Logf("%s", msg)
			for _, w := range append([]string{"plugin " + path}, tc.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not say %q", w)
				}
			}
			if tc.cfg.SHA256 == "" {
				waitGone(t, pidOf(t, path))
			} else if _, err := os.Stat(path + ".pid"); err == nil {
				t.Errorf("a plugin with the wrong checksum was started")
			}
			waitGone(t, good.PID())
		})
	}
}

// The right checksum is accepted.
func TestChecksumAccepted(t *testing.T) {
	path := badPlugin(t, "fcfs")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	io.Copy(h, f)
	f.Close()
	s, err := LaunchScheduler(path, nil, Config{SHA256: hex.EncodeToString(h.Sum(nil))})
	if err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	if s.Protocol() != 2 || s.Info().Name != "scripted" {
		t.Errorf("protocol %d, info %+v", s.Protocol(), s.Info())
	}
	s.Close()
	waitGone(t, pid)
}

// Cleanup kills a plugin whose owner never closed it.
func TestCleanupKillsLiveProcesses(t *testing.T) {
	s, err := LaunchScheduler(badPlugin(t, "fcfs"), nil, Config{})
	if err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	Cleanup()
	defer func() {
		live.Lock()
		live.shutdown = false
		live.Unlock()
	}()
	waitGone(t, pid)
	if _, err := LaunchScheduler(badPlugin(t, "fcfs"), nil, Config{}); err == nil || !strings.Contains(err.Error(), "shutting down") {
		t.Errorf("a plugin started after Cleanup: %v", err)
	}
}

// Ctrl-C kills the plugins of a host that called CleanupOnSignal.
func TestInterruptKillsPlugins(t *testing.T) {
	cmd := exec.Command(testExe(t))
	cmd.Env = append(os.Environ(), "SB_SIGNAL_TEST_PLUGIN="+badPlugin(t, "fcfs"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the host did not start its plugin: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	if cmd.ProcessState.ExitCode() != 130 {
		t.Errorf("host exited with %v, want status 130", err)
	}
	waitGone(t, pid)
}
