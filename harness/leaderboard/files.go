package leaderboard

import (
	"bytes"
	"fmt"
	"io"
)

// Files renders every output file of a leaderboard in memory, by path
// relative to the output folder: leaderboard.md, .csv and .json,
// index.html and plots/NAME.svg and .png. plotted, when not nil, is
// called after each figure (for a progress bar). Nothing is written until
// everything rendered, so a failure leaves no half-written folder.
func (r *Run) Files(plotted func()) (map[string][]byte, error) {
	out := map[string][]byte{}
	for name, write := range map[string]func(io.Writer, *Standings) error{
		"leaderboard.md":   WriteMarkdown,
		"leaderboard.csv":  WriteCSV,
		"leaderboard.json": WriteJSON,
	} {
		var buf bytes.Buffer
		if err := write(&buf, r.Standings); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = buf.Bytes()
	}
	figs, err := Plots(r.Standings, r.CDFs, plotted)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	for _, f := range figs {
		out["plots/"+f.Name+".svg"] = f.SVG
		out["plots/"+f.Name+".png"] = f.PNG
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r.Standings, figs); err != nil {
		return nil, fmt.Errorf("index.html: %w", err)
	}
	out["index.html"] = buf.Bytes()
	return out, nil
}
