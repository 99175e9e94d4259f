//go:build unix

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jinducity/portal"
	"github.com/jinducity/portal/store"
	"github.com/jinducity/portal/store/uploads/s3test"
)

// With PORTAL_S3_* set the portal keeps uploaded photos in the bucket: a teacher's photo
// goes there (photo and thumbnail), is served from there, and a missing bucket stops the
// start with a message.
func TestServeFilesInABucket(t *testing.T) {
	srv := s3test.New("jindu")
	defer srv.Close()
	env := map[string]string{"PORTAL_S3_BUCKET": "jindu", "PORTAL_S3_ENDPOINT": srv.Endpoint(), "PORTAL_S3_INSECURE": "1",
		"PORTAL_S3_ACCESS_KEY": "portal", "PORTAL_S3_SECRET_KEY": "secret-key"}
	getenv := func(k string) string { return env[k] }
	cfg := demoConfig(t)
	base, _, stop := startPortal(t, cfg, getenv)
	defer stop()
	teacher := newProxied(t, "")
	teacher.login(t, base, "teacher")
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, _, err := st.UserCredentials(ctx, "teacher")
	if err != nil {
		t.Fatal(err)
	}
	year := portal.SchoolYear(time.Now())
	classes, err := st.ListClasses(ctx, u.SchoolID, year, false)
	if err != nil || len(classes) == 0 {
		t.Fatalf("classes: %v", err)
	}
	form := url.Values{"type": {"law-class"}, "title": {"存进对象存储的法制课"}, "date": {time.Now().In(portal.CST).Format(time.DateOnly)},
		"class": {strconv.FormatInt(classes[0].ID, 10)}, "students": {"40"}, "teachers": {"1"}}
	if s := teacher.postPhoto(t, base+"/school/activities", form); s != http.StatusSeeOther {
		t.Fatalf("the activity with a photo: %d, want 303", s)
	}
	if keys := srv.Keys(); len(keys) != 2 {
		t.Fatalf("objects in the bucket = %v, want the photo and its thumbnail", keys)
	}
	acts, _ := st.ListActivities(ctx, u.SchoolID, year)
	var photo int64
	for _, a := range acts {
		if a.Title == "存进对象存储的法制课" && len(a.Photos()) == 1 {
			photo = a.Photos()[0].ID
		}
	}
	status, body := teacher.get(t, fmt.Sprintf("%s/files/%d", base, photo))
	if status != http.StatusOK || !bytes.HasPrefix([]byte(body), []byte{0xFF, 0xD8}) {
		t.Fatalf("the photo from the bucket: %d, %d bytes", status, len(body))
	}
	env["PORTAL_S3_BUCKET"] = "missing"
	c2 := demoConfig(t)
	c2.addr = "127.0.0.1:0"
	err = serveWith(ctx, c2, getenv, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("start with a missing bucket: %v, want a refusal", err)
	}
}
