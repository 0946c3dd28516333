package bench

import (
	"fmt"
	"strings"
)

// Targets of issue 22, as shares of the bare hello (or of the bare stack
// for the cold list), in one run.
const (
	TargetListOfBare    = 0.90
	TargetRepeatOfHello = 0.20
	TargetHomeOfHello   = 0.10
	TargetSharedOfHello = 0.30
	TargetWriteOfHello  = 0.10
)

func findSide(rs []WrkResult, name string) *WrkResult {
	for i := range rs {
		if rs[i].Name == name {
			return &rs[i]
		}
	}
	return nil
}

// SideChecks compares the side-by-side runs with the targets of issue 22.
func SideChecks(rs []WrkResult) []Check {
	var out []Check
	hello := findSide(rs, SideHello)
	if hello == nil || hello.PerSecond == 0 {
		return nil
	}
	check := func(what, name string, of *WrkResult, target float64, ofName string) {
		r := findSide(rs, name)
		if r == nil || of == nil || of.PerSecond == 0 {
			return
		}
		q := r.PerSecond / of.PerSecond
		c := Check{What: what, Target: fmt.Sprintf("≥ %.0f %% of %s", 100*target, ofName), Got: fmt.Sprintf("%.1f %%", 100*q), Pass: q >= target && r.Bad == 0}
		if !c.Pass {
			c.Miss = fmt.Sprintf("%.1f× short", target/q)
			if r.Bad > 0 {
				c.Miss = fmt.Sprintf("%d bad answers", r.Bad)
			}
		}
		out = append(out, c)
	}
	check("List, cold", SideList, findSide(rs, SideBareList), TargetListOfBare, "bare stack")
	check("List, repeated (answer kept)", SideListKept, hello, TargetRepeatOfHello, "hello")
	check("List, repeated (If-None-Match)", SideListRepeat, hello, TargetRepeatOfHello, "hello")
	check("Home page, repeated (If-None-Match)", SideHomeRepeat, hello, TargetRepeatOfHello, "hello")
	check("Home page (gzip), kept", SideHome, hello, TargetHomeOfHello, "hello")
	check("Library page, kept", SideLibrary, hello, TargetSharedOfHello, "hello")
	check("Stroke pages", SideStroke, hello, TargetSharedOfHello, "hello")
	check("Touch entry POST", SideTouchPOST, hello, TargetWriteOfHello, "hello")
	return out
}

// SideMarkdown renders the side-by-side runs as a table with ratios.
func SideMarkdown(rs []WrkResult, o WrkOptions) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Side by side with wrk (issue 22): `wrk -t%d -c%d -d%s --latency`, each run %s, on the same cores as the servers; "+
		"requests cycle over the users (one request per user, from a random start in each thread, through a Lua script formatted once). "+
		"\"wrk CPU\" is the generator's own cost, measured from its process; \"server CPU\" from /proc of the server(s). "+
		"Answers outside 2xx/3xx and socket errors are \"bad\".\n\n",
		o.Threads, o.Conns, o.Duration, o.Duration)
	hello := findSide(rs, SideHello)
	bare := findSide(rs, SideBareList)
	b.WriteString("| Run | req/s | ÷ hello | ÷ bare stack list | p50 | p90 | p99 | bad | one answer | server CPU/req | wrk CPU/req | server RSS anon + file |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n")
	for _, r := range rs {
		ofHello, ofBare := "—", "—"
		if hello != nil && hello.PerSecond > 0 {
			ofHello = fmt.Sprintf("%.1f %%", 100*r.PerSecond/hello.PerSecond)
		}
		if bare != nil && bare.PerSecond > 0 && (r.Name == SideList || r.Name == SideListKept || r.Name == SideListKeptGzip || r.Name == SideListRepeat) {
			ofBare = fmt.Sprintf("%.0f %%", 100*r.PerSecond/bare.PerSecond)
		}
		probe := r.Probe
		if probe == "" {
			probe = "—"
		}
		rss := "—"
		if r.RSSAnon > 0 {
			rss = mb(r.RSSAnon) + " + " + mb(r.RSSFile)
		}
		fmt.Fprintf(&b, "| %s | %.0f | %s | %s | %s | %s | %s | %d | %s | %.3f ms | %.3f ms | %s |\n", r.Name, r.PerSecond, ofHello, ofBare,
			ms(r.P50), ms(r.P90), ms(r.P99), r.Bad, probe, perReq(r.ServerCPU, r.Requests), perReq(r.WrkCPU, r.Requests), rss)
	}
	b.WriteString("\n")
	if cs := SideChecks(rs); len(cs) > 0 {
		b.WriteString("Targets (issue 22, ratios within this run):\n\n| Target | Wanted | Got | Result |\n|---|---|---|---|\n")
		for _, c := range cs {
			res := "pass"
			if !c.Pass {
				res = "**miss**: " + c.Miss
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.What, c.Target, c.Got, res)
		}
		b.WriteString("\n")
	}
	return b.String()
}
