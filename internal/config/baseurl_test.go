package config

import (
	"strings"
	"testing"
)

func TestBaseURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if c, _, err := Parse("serve", nil, env(nil)); err != nil || c.BaseURL.String() != "" || c.BaseURL.Prefix() != "" {
		t.Fatalf("default: %q %v", c.BaseURL, err)
	}
	c, _, err := Parse("serve", nil, env(map[string]string{"NURTURE_BASE_URL": "https://home.example/nurture"}))
	if err != nil || c.BaseURL.String() != "https://home.example/nurture/" || c.BaseURL.Prefix() != "/nurture" {
		t.Fatalf("variable, its slash added: %q %v", c.BaseURL, err)
	}
	c, _, err = Parse("serve", []string{"--base-url", "http://10.0.0.5:8080/baby/"}, env(map[string]string{"NURTURE_BASE_URL": "https://home.example/nurture/"}))
	if err != nil || c.BaseURL.String() != "http://10.0.0.5:8080/baby/" {
		t.Fatalf("the flag wins: %q %v", c.BaseURL, err)
	}
	for _, cmd := range []string{"demo", "user"} {
		if c, _, err := Parse(cmd, []string{"--base-url", "https://home.example/nurture/"}, env(nil)); err != nil || c.BaseURL.Prefix() != "/nurture" {
			t.Errorf("%s --base-url: %q %v", cmd, c.BaseURL, err)
		}
	}
	// Refused at start-up, saying what is wanted.
	for _, bad := range []string{"/nurture/", "home.example/nurture/", "ftp://home.example/", "https://home.example/nurture/?a=1", "https://home.example/nurture/#x"} {
		_, _, err := Parse("serve", []string{"--base-url", bad}, env(nil))
		if err == nil || !strings.Contains(err.Error(), "base-url") {
			t.Errorf("flag %q: %v", bad, err)
		}
		_, _, err = Parse("serve", nil, env(map[string]string{"NURTURE_BASE_URL": bad}))
		if err == nil || !strings.HasPrefix(err.Error(), "NURTURE_BASE_URL: ") {
			t.Errorf("variable %q: %v", bad, err)
		}
	}
}
