package rest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// resource is one JSON:API resource object.
type resource struct {
	Type          string                  `json:"type"`
	ID            string                  `json:"id"`
	Attributes    any                     `json:"attributes"`
	Relationships map[string]relationship `json:"relationships,omitempty"`
}

type relationship struct {
	Data []identifier `json:"data"`
}

type identifier struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

type document struct {
	Data     any        `json:"data"`
	Included []resource `json:"included,omitempty"`
}

type apiError struct {
	Status string `json:"status"`
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeDoc(w http.ResponseWriter, data any, included ...resource) {
	if data == nil {
		data = []resource{}
	}
	writeJSON(w, http.StatusOK, document{Data: data, Included: included})
}

func writeError(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string][]apiError{"errors": {{
		Status: strconv.Itoa(status), Title: http.StatusText(status), Detail: detail,
	}}})
}
