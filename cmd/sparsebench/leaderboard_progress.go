package main

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/sparsebench/sparsebench/harness"
	"github.com/sparsebench/sparsebench/plugins/scheduler"
)

// isTerminal reports whether w is a terminal: the progress bar is only
// shown there. A variable so that tests can pretend.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress is the leaderboard's progress bar: one step per simulation and
// per figure. A nil *progress shows nothing; that is what newProgress
// returns unless stderr is a terminal outside CI, so pipes, files and CI
// logs never see a bar.
type progress struct {
	bar   *progressbar.ProgressBar
	steps atomic.Int64 // taken so far
	once  sync.Once
}

func newProgress(stderr io.Writer, total int) *progress {
	if total <= 0 || !isTerminal(stderr) || os.Getenv("CI") != "" || os.Getenv("TERM") == "dumb" {
		return nil
	}
	return &progress{bar: progressbar.NewOptions(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("simulating"),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

// step advances the bar by one; safe for concurrent use.
func (p *progress) step() {
	if p != nil {
		p.steps.Add(1)
		_ = p.bar.Add(1)
	}
}

// plotting relabels the bar for the figures and returns the step to call
// after each (nil without a bar).
func (p *progress) plotting() func() {
	if p == nil {
		return nil
	}
	p.bar.Describe("plotting")
	return p.step
}

// done erases the bar, whether the run finished or failed; later calls
// do nothing.
func (p *progress) done() {
	if p != nil {
		p.once.Do(func() {
			_ = p.bar.Finish()
			_ = p.bar.Clear()
		})
	}
}

// jobs wraps jobs so that every finished run advances the bar (the grid
// runner closes each scheduler after its run). Without a bar the jobs are
// returned as they are.
func (p *progress) jobs(jobs []harness.Job) []harness.Job {
	if p == nil {
		return jobs
	}
	out := make([]harness.Job, len(jobs))
	for i, j := range jobs {
		out[i] = j
		out[i].New = func() (scheduler.Scheduler, error) {
			s, err := j.New()
			if err != nil {
				p.step()
				return nil, err
			}
			return &steppingScheduler{Scheduler: s, step: p.step}, nil
		}
	}
	return out
}

// steppingScheduler is a scheduler that calls step when it is closed. It
// passes Start and Close on to the scheduler it wraps when that has them.
type steppingScheduler struct {
	scheduler.Scheduler
	step func()
	once sync.Once
}

func (s *steppingScheduler) Start(t *scheduler.Tables) error {
	if st, ok := s.Scheduler.(scheduler.Starter); ok {
		return st.Start(t)
	}
	return nil
}

func (s *steppingScheduler) Close() error {
	s.once.Do(s.step)
	if c, ok := s.Scheduler.(interface{ Close() error }); ok {
		return c.Close()
	}
	return nil
}
