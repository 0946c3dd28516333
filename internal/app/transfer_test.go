package app_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"nurture/internal/app"
	"nurture/internal/domain"
	"nurture/internal/export"
	"nurture/internal/i18n"
	"nurture/internal/store"
)

type timeout struct{}

func (timeout) Error() string { return "i/o timeout" }
func (timeout) Timeout() bool { return true }

// Every way an import fails is sorted for the doors, and said where it
// happened, in both languages; the server's own errors are not explained.
func TestImportFaults(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, paris)
	f := domain.Family{Timezone: "Europe/Paris"}
	start := now.Add(-26 * time.Hour)
	end := start.Add(40 * time.Minute)
	overlap := &domain.Overlap{Entry: domain.Entry{Type: domain.TouchLog, Kind: "skin_to_skin", StartedAt: start, EndedAt: &end}}
	tests := []struct {
		err   error
		fault app.ImportFault
		en    string // part of the English message; "" for none
		fr    string
	}{
		{store.ErrImportRunning, app.ImportRunning, "already", "déjà"},
		{fmt.Errorf("lock: %w", store.ErrImportsBusy), app.ImportBusy, "", ""},
		{&export.ReadError{Err: timeout{}}, app.ImportStalled, "", ""},
		{&export.ReadError{Err: errors.New("unexpected EOF")}, app.ImportCut, "", ""},
		{&export.Problem{Where: "touch[3].started_at", What: "error.required"}, app.ImportInvalid, "touch[3].started_at", "touch[3].started_at"},
		{&store.ImportError{Record: "touch 3f1e", Err: overlap}, app.ImportInvalid, "from yesterday, 08:00 to 08:40", "(hier à 08:00 – 08:40)"},
		{&store.ImportError{Record: "sessions[1]", Err: store.ErrConflict}, app.ImportInvalid, "sessions[1]", "sessions[1]"},
		{&store.ImportError{Record: "voice[4]", Err: store.ErrVoiceFull}, app.ImportInvalid, "voice[4]: The family's recordings would take more than the 32 MB", "voice[4] : Les enregistrements de la famille dépasseraient les 32 Mo"},
		{&export.Problem{Where: "voice[40].audio", What: "export.error.voice_too_much"}, app.ImportInvalid, "more than 32 MB of recordings", "plus de 32 Mo d’enregistrements"},
		{errors.New("disk full"), app.ImportInternal, "", ""},
	}
	for _, tc := range tests {
		if got := app.ImportFaultOf(tc.err); got != tc.fault {
			t.Errorf("%v: fault %d, want %d", tc.err, got, tc.fault)
		}
		for lang, want := range map[string]string{"en": tc.en, "fr": tc.fr} {
			msg, ok := app.ImportText(cat.For(lang), f, tc.err, now)
			if ok != (tc.fault != app.ImportInternal) || (ok && msg == "") || !strings.Contains(msg, want) {
				t.Errorf("%s %v: %q %v, want it to say %q", lang, tc.err, msg, ok, want)
			}
		}
	}
}
