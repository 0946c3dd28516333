package app

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"nurture/internal/content"
	"nurture/internal/domain"
)

// Recordings are read a few at a time: one more waits for a turn, and
// gives up with ErrUploadsBusy before reading its body.
func TestRecordVoiceWaitsForATurn(t *testing.T) {
	defer func(w time.Duration) { uploadWait = w }(uploadWait)
	uploadWait = 20 * time.Millisecond
	c := New(nil, content.MustLoad(), []string{"en"}, time.Now)
	for range MaxUploadsRunning {
		uploads <- struct{}{}
	}
	body := bytes.NewReader([]byte("OggS"))
	_, err := c.RecordVoice(context.Background(), domain.Identity{}, "part:legs", "audio/ogg", body)
	if !errors.Is(err, ErrUploadsBusy) {
		t.Fatalf("with every turn taken: %v", err)
	}
	if body.Len() != 4 {
		t.Fatal("the body was read while waiting")
	}
	for range MaxUploadsRunning {
		<-uploads
	}
}
