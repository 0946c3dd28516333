package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeVersion is the version of the vendored axe-core (testdata/README.md).
const AxeVersion = "4.14.1"

//go:embed testdata/axe-core-4.14.1.min.js
var axeSource string

// axeTags are the rule sets that every page must pass: WCAG 2.0 and 2.1,
// levels A and AA, and axe's best practices.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"}

// axeViolation is one failed axe rule and the elements that fail it.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"` // minor, moderate, serious or critical
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  string `json:"target"`  // CSS selector of the element
	HTML    string `json:"html"`    // its opening tag, shortened by axe
	Summary string `json:"summary"` // what to fix
}

func (v axeViolation) blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n      at %s  %s", n.Target, n.HTML)
	}
	return b.String()
}

// Axe audits the page now shown in the tab of ctx with axe-core, and fails
// the test listing every serious or critical violation (rule, help, element
// selectors). Minor and moderate ones are only logged. page names the page
// in the messages, for example "signup".
func Axe(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	violations, err := axeRun(ctx)
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var blocking []axeViolation
	for _, v := range violations {
		if v.blocking() {
			blocking = append(blocking, v)
		} else {
			t.Logf("axe on %s (not blocking): %s", page, v)
		}
	}
	if len(blocking) > 0 {
		Screenshot(t, ctx, "axe-"+page)
		var b strings.Builder
		fmt.Fprintf(&b, "axe on %s: %d serious or critical accessibility violation(s):", page, len(blocking))
		for _, v := range blocking {
			b.WriteString("\n  ")
			b.WriteString(v.String())
		}
		t.Error(b.String())
	}
}

// axeRun injects axe-core into the page of ctx when it is not there yet and
// returns the violations of axeTags. The injection goes through the DevTools
// protocol (Runtime.evaluate), which the page's Content-Security-Policy does
// not block, unlike a <script> element would be.
func axeRun(ctx context.Context) ([]axeViolation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("checking for axe: %w", err)
	}
	if !loaded {
		kind, err := chromedp.Run(ctx, chromedp.Evaluate[string](axeSource+"\n;typeof window.axe"))
		if err != nil {
			return nil, fmt.Errorf("injecting axe-core %s: %w", AxeVersion, err)
		}
		if kind != "object" {
			return nil, fmt.Errorf("injecting axe-core %s: window.axe is %s", AxeVersion, kind)
		}
	}
	script := `axe.run(document, {
		runOnly: {type: "tag", values: ` + jsStrings(axeTags) + `},
		resultTypes: ["violations"],
	}).then(r => r.violations.map(v => ({
		id: v.id,
		impact: v.impact || "",
		help: v.help,
		helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({
			target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)).join(" "),
			html: n.html,
			summary: n.failureSummary || "",
		})),
	})))`
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core %s: %w", AxeVersion, err)
	}
	return violations, nil
}

func jsStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
