package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"nurture/internal/apptest"
	"strings"
	"testing"
)

func TestDataPages(t *testing.T) {
	w := newPageWorld(t)
	w.app.SeedLogs(w.fam, w.babyA, 1)
	if r := w.viewer.Get("/family/data"); r.Status != 200 || !strings.Contains(r.Body, "/api/v1/export?format=csv") || strings.Contains(r.Body, `action="/family/import"`) {
		t.Fatalf("viewer data page: %d", r.Status)
	}
	r := w.owner.Get("/family/data")
	if !strings.Contains(r.Body, `action="/family/import"`) || !strings.Contains(r.Body, "only owner") {
		t.Fatalf("owner data page lacks import or last-owner note")
	}
	// Export through the page's link (cookie auth) and import it back.
	exp := w.owner.Get("/api/v1/export")
	if exp.Status != 200 || exp.Header.Get("Content-Disposition") == "" {
		t.Fatalf("export link: %d", exp.Status)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "nurture.json")
	fw.Write([]byte(exp.Body))
	mw.Close()
	req, _ := http.NewRequest("POST", w.app.URL+"/family/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range w.owner.Cookies() {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("import form: %d", res.StatusCode)
	}
	tests := []struct {
		name, who, path string
		form            url.Values
		status          int
		want            string
	}{
		{"import without file", "owner", "/family/import", url.Values{}, 422, "choose an export file"},
		{"import by caregiver", "caregiver", "/family/import", url.Values{}, 403, ""},
		{"leave without confirming", "caregiver", "/family/leave", url.Values{}, 422, "tick the box"},
		{"last owner cannot leave", "owner", "/family/leave", url.Values{"confirm_leave": {"yes"}}, 409, "only owner"},
		{"delete family wrong name", "owner", "/family/delete", url.Values{"confirm": {"Nope"}}, 422, "does not match"},
		{"delete family by caregiver", "caregiver", "/family/delete", url.Values{"confirm": {"Martin"}}, 403, ""},
		{"delete baby wrong name", "owner", "/babies/" + w.babyA + "/delete", url.Values{"confirm": {"Lu"}}, 422, "does not match"},
		{"delete other family's baby", "other", "/babies/" + w.babyA + "/delete", url.Values{"confirm": {"Lou"}}, 404, ""},
		{"remove member unconfirmed", "owner", "/family/members/" + w.viewerID + "/remove", url.Values{}, 303, "/family?msg=confirm_needed"},
		{"remove member", "owner", "/family/members/" + w.viewerID + "/remove", url.Values{"confirm_remove": {"yes"}}, 303, "/family?msg=member_removed"},
		{"caregiver leaves", "caregiver", "/family/leave", url.Values{"confirm_leave": {"yes"}}, 303, "/?msg=account_deleted"},
		{"delete baby", "owner", "/babies/" + w.babyA + "/delete", url.Values{"confirm": {" lou "}}, 303, "/family?msg=baby_deleted"},
		{"delete family", "owner", "/family/delete", url.Values{"confirm": {"martin"}}, 303, "/?msg=family_deleted"},
	}
	for _, tc := range tests {
		b := map[string]*apptest.Browser{"owner": w.owner, "caregiver": w.caregiver, "other": w.other}[tc.who]
		r := b.Post(tc.path, tc.form)
		status, body, loc := r.Status, r.Body, r.Header.Get("Location")
		if status != tc.status {
			t.Fatalf("%s: %d\n%.500s", tc.name, status, body)
		}
		if status == 303 && !strings.HasPrefix(loc, tc.want) || status != 303 && !strings.Contains(body, tc.want) {
			t.Fatalf("%s: want %q, got location %q body %.300s", tc.name, tc.want, loc, body)
		}
	}
	if r := w.owner.Get("/"); !strings.Contains(r.Body, "Create a family") {
		t.Fatal("after deleting the family the owner should be logged out")
	}
	if r := w.viewer.Get("/family"); r.Status != 303 {
		t.Fatal("removed member still logged in")
	}
}
