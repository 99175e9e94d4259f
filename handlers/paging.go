package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/jinducity/portal/views"
)

// pageParam returns the page number asked for, 1 when absent or unreadable.
func pageParam(r *http.Request) int {
	p, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || p < 1 || p > 100000 {
		return 1
	}
	return p
}

// pager describes one page of a list of total rows, size to a page. Its links go to the
// same path and keep the request's other non-empty query parameters (search, filters).
func pager(r *http.Request, page, total, size int) views.Pager {
	pages := max(1, (total+size-1)/size)
	q := r.URL.Query()
	path := r.URL.Path
	return views.Pager{Page: min(page, pages), Pages: pages, Total: total, URL: func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if k != "page" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}}
}

// pathID reads a numeric parameter of the URL (such as {id}); anything but a positive
// integer is a 404, never a 500.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound
	}
	return id, nil
}

// idString formats an ID for a form value or a link; 0 (none) is the empty string.
func idString(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
