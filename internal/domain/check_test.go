package domain

import (
	"testing"
	"time"
)

func TestCheckStandsUntil(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone data")
	}
	at := time.Date(2026, 3, 28, 22, 30, 0, 0, time.UTC) // 23:30 in Paris, the night the clocks go forward
	retry := at.Add(40 * time.Hour)
	early := at.Add(-time.Hour)
	midnight := time.Date(2026, 3, 29, 0, 0, 0, 0, paris)
	tests := []struct {
		verdict string
		retry   *time.Time
		want    time.Time
	}{
		{"go", nil, at.Add(CheckValidFor)},
		{"go", &retry, at.Add(CheckValidFor)},
		{"wait", nil, at.Add(CheckValidFor)},
		{"wait", &retry, retry},
		{"not_today", &retry, retry},
		{"not_today", nil, midnight},
		{"not_today", &early, midnight}, // a retry already past is no retry
		{"seek_help", nil, midnight},
	}
	for _, tc := range tests {
		if got := CheckStandsUntil(tc.verdict, at, tc.retry, paris); !got.Equal(tc.want) {
			t.Errorf("%s retry=%v: %v, want %v", tc.verdict, tc.retry, got, tc.want)
		}
	}
}
