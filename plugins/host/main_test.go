package host

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/sparsebench/sparsebench/hardware"
	"github.com/sparsebench/sparsebench/hardware/catalogue"
	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/harness/workload"
	"github.com/sparsebench/sparsebench/plugins/internal/wire"
	"github.com/sparsebench/sparsebench/plugins/policies"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
	"github.com/sparsebench/sparsebench/plugins/sdk"
)

// The test binary doubles as every plugin the tests need, so nothing has to
// be compiled: run as `host.test plugin serve scheduler SPEC` it serves a
// built-in policy, as BuiltinJob runs a sparsebench binary; run through a
// symbolic link named bad-MODE it is a misbehaving plugin (see
// misbehave). Plugins write their PID next to their link so that tests can
// check that no process is left behind.
func TestMain(m *testing.M) {
	if len(os.Args) == 5 && os.Args[1] == "plugin" && os.Args[2] == "serve" && os.Args[3] == "scheduler" {
		spec, err := policies.ParseSpec(os.Args[4])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		sdk.ServeScheduler(spec.New)
		os.Exit(0)
	}
	if len(os.Args) == 5 && os.Args[1] == "plugin" && os.Args[2] == "serve" && os.Args[3] == "accelerator" {
		a, err := hardware.Lookup(os.Args[4])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		sdk.ServeAccelerator(a)
		os.Exit(0)
	}
	if mode, ok := strings.CutPrefix(filepath.Base(os.Args[0]), "bad-"); ok {
		os.WriteFile(os.Args[0]+".pid", []byte(fmt.Sprint(os.Getpid())), 0o644)
		misbehave(mode)
		os.Exit(0)
	}
	if plugin := os.Getenv("SB_SIGNAL_TEST_PLUGIN"); plugin != "" {
		signalled(plugin)
	}
	os.Exit(m.Run())
}

// signalled is a host that starts the plugin, reports its PID on standard
// output and waits for a SIGINT, which CleanupOnSignal must turn into
// killing the plugin and exiting with status 130.
func signalled(plugin string) {
	CleanupOnSignal()
	s, err := LaunchScheduler(plugin, nil, Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println(s.PID())
	select {}
}

// misbehave is the plugin of one fault.
func misbehave(mode string) {
	serve := func(f func(v *scheduler.View, k int) (scheduler.TaskID, error)) {
		sdk.ServeScheduler(func() scheduler.Scheduler { return &scripted{pick: f} })
	}
	switch mode {
	case "exit":
		fmt.Fprintln(os.Stderr, "deliberately exiting at start")
		os.Exit(3)
	case "handshake":
		hs := wire.Handshake
		hs.ProtocolVersion = 99
		plugin.Serve(&plugin.ServeConfig{HandshakeConfig: hs,
			Plugins: plugin.PluginSet{wire.SchedulerKind: &wire.SchedulerPlugin{}}, GRPCServer: plugin.DefaultGRPCServer})
	case "garbage":
		fmt.Println("Hello! This is not a go-plugin handshake line.")
		serve(nil)
	case "crash":
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			if k == 5 {
				fmt.Fprintln(os.Stderr, "about to crash")
				go func() { panic("deliberate crash in a goroutine") }()
				select {}
			}
			return v.ID(0), nil
		})
	case "hang":
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			if k == 3 {
				select {}
			}
			return v.ID(0), nil
		})
	case "slow":
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			if v.Len() > 1 {
				time.Sleep(20 * time.Millisecond)
			}
			return v.ID(0), nil
		})
	case "unknown", "disagree":
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			if k >= 4 && (v.Len() > 1) == (mode == "unknown") {
				return 1 << 30, nil
			}
			return v.ID(0), nil
		})
	case "finished":
		var done []scheduler.TaskID
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			for _, c := range v.Completed() {
				if c.Finished {
					done = append(done, c.ID)
				}
			}
			if len(done) > 0 && v.Len() > 1 {
				return done[0], nil
			}
			return v.ID(0), nil
		})
	case "error":
		serve(func(v *scheduler.View, k int) (scheduler.TaskID, error) {
			if k == 7 {
				return -1, errors.New("deliberate failure")
			}
			return v.ID(0), nil
		})
	case "fcfs":
		serve(nil)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		os.Exit(2)
	}
}

// scripted is a policy whose pick is a function of the view and the
// number of the call; nil is fcfs.
type scripted struct {
	pick func(v *scheduler.View, k int) (scheduler.TaskID, error)
	k    int
}

func (s *scripted) Info() scheduler.Info { return scheduler.Info{Name: "scripted", Version: "0"} }

func (s *scripted) Pick(v *scheduler.View) (scheduler.TaskID, error) {
	s.k++
	if s.pick == nil {
		return v.ID(0), nil
	}
	return s.pick(v, s.k)
}

// testWorkload is a synthetic trace of 300 requests at 95% of capacity: queues
// form and drain, so there are forced and unforced decisions.
func testWorkload(t testing.TB) (*catalogue.Catalogue, []workload.Request) {
	t.Helper()
	cat := workload.Synthetic{Families: 3, Variants: 2, Samples: 20, Layers: 12, Scale: 0.2, Seed: 5}.Build()
	reqs, err := workload.Generate(cat, workload.Workload{Requests: 300, Rate: 0.95 / cat.MeanIsolatedLatency(), SLOMult: 10, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	return cat, reqs
}

// testExe is the test binary, which serves built-in policies.
func testExe(t testing.TB) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

// builtinJob runs the built-in policy of spec out of process, as
// lineup.Isolated does (lineup imports this package, so tests here cannot).
func builtinJob(spec policies.Spec, exe string, cfg Config) harness.Job {
	return harness.Job{Label: spec.Text, New: func() (scheduler.Scheduler, error) {
		s, err := BuiltinScheduler(spec.Text, exe, cfg)
		if err != nil {
			return nil, err
		}
		return s, nil
	}}
}

// pluginJob runs the scheduler plugin at path, as lineup.Plugin does.
func pluginJob(path string, cfg Config) harness.Job {
	return harness.Job{Label: filepath.Base(path), New: func() (scheduler.Scheduler, error) {
		s, err := LaunchScheduler(path, nil, cfg)
		if err != nil {
			return nil, err
		}
		return s, nil
	}}
}
