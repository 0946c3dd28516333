// Package i18n holds the interface text in every supported language and
// picks a language for a request. Catalogs are go-i18n JSON files named
// AREA.LANG.json under locales/; a new language needs only new files.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/goodsign/monday"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Default is the language used when nothing else matches.
const Default = "en"

// Catalog is every message in every language.
type Catalog struct {
	bundle  *goi18n.Bundle
	locales []string
	matcher language.Matcher
	// ids per language, to check completeness.
	ids map[string]map[string]bool
	// plain holds, per language, the messages with neither arguments nor
	// plural forms: most of a page's words, said without go-i18n's
	// template machinery (a tenth of a page's CPU time).
	plain map[string]map[string]string
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) { return LoadFS(files, "locales") }

// LoadFS reads catalogs from a folder of fsys; tests use it on fixtures.
func LoadFS(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{bundle: goi18n.NewBundle(language.English), ids: map[string]map[string]bool{}, plain: map[string]map[string]string{}}
	c.bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		mf, err := c.bundle.ParseMessageFileBytes(b, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		lang := mf.Tag.String()
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("%s: message %q defined twice for %s", name, m.ID, lang)
			}
			c.ids[lang][m.ID] = true
			if m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" && !strings.Contains(m.Other, "{{") {
				if c.plain[lang] == nil {
					c.plain[lang] = map[string]string{}
				}
				c.plain[lang][m.ID] = m.Other
			}
		}
	}
	if c.ids[Default] == nil {
		return nil, fmt.Errorf("no %s catalog", Default)
	}
	for l := range c.ids {
		c.locales = append(c.locales, l)
	}
	sort.Slice(c.locales, func(i, j int) bool {
		// The default language first, then alphabetical.
		if (c.locales[i] == Default) != (c.locales[j] == Default) {
			return c.locales[i] == Default
		}
		return c.locales[i] < c.locales[j]
	})
	tags := make([]language.Tag, len(c.locales))
	for i, l := range c.locales {
		tags[i] = language.Make(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Locales lists the supported languages, the default first.
func (c *Catalog) Locales() []string { return c.locales }

// Supported reports whether lang has a catalog.
func (c *Catalog) Supported(lang string) bool {
	_, ok := c.ids[lang]
	return ok
}

// IDs returns the message ids of a language, sorted.
func (c *Catalog) IDs(lang string) []string {
	out := make([]string, 0, len(c.ids[lang]))
	for id := range c.ids[lang] {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Match picks the language: the user's setting if supported, else the best
// match of an Accept-Language header, else the default.
func (c *Catalog) Match(userLocale, acceptLanguage string) string {
	if c.Supported(userLocale) {
		return userLocale
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			_, idx, conf := c.matcher.Match(tags...)
			if conf != language.No {
				return c.locales[idx]
			}
		}
	}
	return Default
}

// Printer says messages in one language.
type Printer struct {
	region string // a region whose dates differ from the language's (US)
	Lang   string
	loc    *goi18n.Localizer
	plain  map[string]string
}

// For returns a printer for lang (the default for an unsupported one).
func (c *Catalog) For(lang string) *Printer {
	if !c.Supported(lang) {
		lang = Default
	}
	return &Printer{Lang: lang, loc: goi18n.NewLocalizer(c.bundle, lang), plain: c.plain[lang]}
}

// T says message id; args are name/value pairs for its template
// ({{.Name}}). A missing id shows itself, so a gap is visible, not blank.
func (p *Printer) T(id string, args ...any) string {
	if s, ok := p.plain[id]; ok && len(args) == 0 {
		return s
	}
	return p.localize(id, nil, args)
}

// N says a message whose form depends on a count (plural rules of the
// language); the count is available as {{.Count}}.
func (p *Printer) N(id string, count int, args ...any) string {
	return p.localize(id, count, append(args, "Count", count))
}

func (p *Printer) localize(id string, count any, args []any) string {
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		return id
	}
	return s
}

// Has reports whether id exists in the printer's language.
func (p *Printer) Has(id string) bool {
	_, err := p.loc.Localize(&goi18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// LangName is a language's own name, from its catalog.
func (c *Catalog) LangName(lang string) string {
	return c.For(lang).T("lang.name")
}

// dateLocales are the CLDR-based month and weekday names and time
// formats per language (github.com/goodsign/monday), so no month table or
// hour cycle is written by hand. A region changes the hour cycle where
// CLDR says so: English is written "15:04" (en-GB) unless the reader's
// browser asks for American English, "3:04 PM".
var dateLocales = map[string]monday.Locale{"en": monday.LocaleEnGB, "en-US": monday.LocaleEnUS, "es": monday.LocaleEsES, "fr": monday.LocaleFrFR, "fr-CA": monday.LocaleFrCA}

// dateLayouts are how a language joins a date's words, where it differs
// from English and French ("Thursday 3 December"): Spanish says "jueves 3
// de diciembre", "3 de diciembre de 2026".
var dateLayouts = map[string]dateLayout{"es": {long: "Monday 2 de January", short: "Mon 2 Jan", full: "2 de January de 2006"}}

// dateLayout holds the layouts of LongDate, ShortDate and FullDate.
type dateLayout struct{ long, short, full string }

func (p *Printer) layout() dateLayout {
	if l, ok := dateLayouts[p.Lang]; ok {
		return l
	}
	return dateLayout{long: "Monday 2 January", short: "Mon 2 Jan", full: "2 January 2006"}
}

// WithRegion returns the printer writing times as the reader's region
// does: the first tag of acceptLanguage in the printer's language that
// names a region with its own dates (en-US), else the language's own.
func (p *Printer) WithRegion(acceptLanguage string) *Printer {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		return p
	}
	for _, tag := range tags {
		base, _ := tag.Base()
		if base.String() != p.Lang {
			continue
		}
		region, conf := tag.Region()
		if conf == language.No {
			return p
		}
		if _, ok := dateLocales[p.Lang+"-"+region.String()]; ok {
			q := *p
			q.region = region.String()
			return &q
		}
		return p
	}
	return p
}

func (p *Printer) dateLocale() monday.Locale {
	if l, ok := dateLocales[p.Lang+"-"+p.region]; ok && p.region != "" {
		return l
	}
	if l, ok := dateLocales[p.Lang]; ok {
		return l
	}
	return monday.LocaleEnGB
}

// LongDate writes a day the way the printer's language writes it:
// "Thursday 3 December", "jeudi 3 décembre".
func (p *Printer) LongDate(t time.Time) string {
	return monday.Format(t, p.layout().long, p.dateLocale())
}

// ShortDate writes a day briefly, for a chart or a table read on paper:
// "Thu 3 Dec", "jeu. 3 déc.".
func (p *Printer) ShortDate(t time.Time) string {
	return monday.Format(t, p.layout().short, p.dateLocale())
}

// FullDate writes a day with its year, never relative to today (a page
// that is printed): "3 December 2026", "3 décembre 2026".
func (p *Printer) FullDate(t time.Time) string {
	return monday.Format(t, p.layout().full, p.dateLocale())
}

// Clock writes a time of day in the reader's hour cycle: "14:05", "2:05 PM".
func (p *Printer) Clock(t time.Time) string {
	loc := p.dateLocale()
	return monday.Format(t, monday.TimeFormatsByLocale[loc], loc)
}

// When writes a moment for a reader at now, both in the family's zone:
// the time alone today, "yesterday, 14:05", the weekday within the week,
// the date in words this year, with its year before.
func (p *Printer) When(t, now time.Time) string {
	return p.day(t, now, "date.at")
}

// Day writes a day the same way, without the time: "today",
// "yesterday", "Monday", "Thursday 3 December", "3 December 2025".
func (p *Printer) Day(t, now time.Time) string {
	return p.day(t, now, "")
}

func (p *Printer) day(t, now time.Time, at string) string {
	loc := p.dateLocale()
	y, m, d := t.Date()
	ny, nm, nd := now.Date()
	days := int(math.Round(time.Date(ny, nm, nd, 12, 0, 0, 0, time.UTC).Sub(time.Date(y, m, d, 12, 0, 0, 0, time.UTC)).Hours() / 24))
	var date string
	switch {
	case days == 0:
		if at != "" {
			return p.Clock(t)
		}
		date = p.T("date.today")
	case days == 1:
		date = p.T("date.yesterday")
	case days > 1 && days < 7:
		date = monday.Format(t, "Monday", loc)
	case y == ny:
		date = monday.Format(t, p.layout().long, loc)
	default:
		date = monday.Format(t, p.layout().full, loc)
	}
	if at == "" {
		return date
	}
	return p.T(at, "Date", date, "Time", p.Clock(t))
}
