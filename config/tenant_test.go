package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gamehost/transitquest/tenant"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBadTenantIsSkipped(t *testing.T) {
	route := `"routes":[` + validRoute(idA, "r") + `]`
	cases := map[string]struct {
		tenant string
		reason string
	}{
		"missing id":    {`{"region":"GMS",` + route + `}`, "tenant skipped: id is missing or nil"},
		"nil id":        {`{"id":"00000000-0000-0000-0000-000000000000","region":"GMS",` + route + `}`, "tenant skipped: id is missing or nil"},
		"bad id":        {`{"id":"tenant-1","region":"GMS",` + route + `}`, `tenant skipped: id "tenant-1" is not a UUID: invalid UUID length: 8`},
		"id not string": {`{"id":7,"region":"GMS",` + route + `}`, "tenant skipped: id: cannot use JSON number as string"},
		"no region":     {`{"id":"` + idD + `",` + route + `}`, "tenant skipped: region is missing or empty"},
		"blank region":  {`{"id":"` + idD + `","region":"  ",` + route + `}`, "tenant skipped: region is missing or empty"},
		"version range": {`{"id":"` + idD + `","region":"GMS","majorVersion":70000,` + route + `}`, "tenant skipped: majorVersion: cannot use JSON number 70000 as uint16"},
		"not an object": {`"GMS"`, "tenant: want a JSON object, got JSON string"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := writeConfig(t, `{"tenants":[`+c.tenant+`,{"id":"`+sampleTenantID+`","region":"GMS",`+route+`}]}`)
			cfg, problems, err := Load(path)
			require.NoError(t, err)
			require.Len(t, problems, 1)
			assert.Equal(t, Problem{File: path, Record: "tenants[0]", Reason: c.reason}, problems[0])
			require.Len(t, cfg.Tenants, 1, "the other tenant still loads")
			assert.Equal(t, uuid.MustParse(sampleTenantID), cfg.Tenants[0].Tenant.ID)
		})
	}
}

func TestDuplicateTenant(t *testing.T) {
	tn := `{"id":"` + sampleTenantID + `","region":"GMS","majorVersion":83,"minorVersion":1}`
	other := `{"id":"` + sampleTenantID + `","region":"GMS","majorVersion":95,"minorVersion":1}`
	path := writeConfig(t, `{"tenants":[`+tn+`,`+tn+`,`+other+`]}`)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Equal(t, "tenants[1]", problems[0].Record)
	assert.Contains(t, problems[0].Reason, "duplicate tenant")
	assert.Len(t, cfg.Tenants, 2, "same id with another version is another tenant")
}

func TestConfigTenantLookup(t *testing.T) {
	path := writeConfig(t, oneTenant(`"routes":[`+validRoute(idA, "r")+`]`))
	cfg, _, err := Load(path)
	require.NoError(t, err)
	id := uuid.MustParse(sampleTenantID)

	got, ok := cfg.Tenant(tenant.Tenant{ID: id, Region: "GMS", MajorVersion: 83, MinorVersion: 1})
	require.True(t, ok)
	assert.Len(t, got.Routes, 1)
	_, ok = cfg.Tenant(tenant.Tenant{ID: id, Region: "GMS", MajorVersion: 84, MinorVersion: 1})
	assert.False(t, ok)
	_, ok = cfg.Tenant(tenant.Tenant{ID: uuid.New(), Region: "GMS", MajorVersion: 83, MinorVersion: 1})
	assert.False(t, ok)
}

func TestLoadErrorsOnlyForAnUnusableFile(t *testing.T) {
	dir := t.TempDir()
	_, _, err := Load(filepath.Join(dir, "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	for name, body := range map[string]string{
		"not json":             `{"tenants": [`,
		"not an object":        `[]`,
		"null":                 `null`,
		"tenants not an array": `{"tenants": {}}`,
		"tenants a wrong type": `{"tenants": "x"}`,
		"tenants missing":      `{}`,
		"tenants null":         `{"tenants": null}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := Load(writeConfig(t, body))
			assert.Error(t, err)
		})
	}
}

// An explicitly empty list is what the operator wrote: reported, not fatal.
func TestNoTenantsIsAProblemNotAnError(t *testing.T) {
	path := writeConfig(t, `{"tenants":[]}`)
	cfg, problems, err := Load(path)
	require.NoError(t, err)
	assert.Empty(t, cfg.Tenants)
	assert.Equal(t, []Problem{{File: path, Record: "tenants", Reason: "no tenants configured"}}, problems)
}

// A top-level typo would start a service without tenants: it is refused,
// naming the key and the known ones.
func TestUnknownTopLevelFieldIsFatal(t *testing.T) {
	path := writeConfig(t, `{"tenant": []}`)
	cfg, _, err := Load(path)
	require.Error(t, err)
	assert.Equal(t, `config: `+path+`: unknown top-level field "tenant" (want "tenants"); `+
		path+`: "tenants" is missing: want {"tenants": [...]}`, err.Error())
	assert.Empty(t, cfg.Tenants)

	// Beside a valid tenants list too: the rest still loads for the report.
	path = writeConfig(t, `{"tenants":[{"id":"`+sampleTenantID+`","region":"GMS","routes":[{"id":"x"}]}], "tennants": []}`)
	_, problems, err := Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown top-level field "tennants"`)
	assert.Len(t, problems, 1, "the bad route is still reported")
}

// Every fatal issue is named, on one line, with the problems found so far.
func TestFatalIssuesAreAllReportedOnOneLine(t *testing.T) {
	path := writeConfig(t, `{"tenants":[
		{"id":"`+sampleTenantID+`","region":"GMS","partyQuestDefinitions":"no\nwhere","routes":[{"id":"x"}]},
		{"id":"`+sampleTenantID+`","region":"EMS","imports":{"tenantRoutes":"gone.json"}}]}`)
	_, problems, err := Load(path)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "\n")
	assert.Contains(t, err.Error(), "tenants[0].partyQuestDefinitions: folder ")
	assert.Contains(t, err.Error(), "; "+path+": tenants[1].imports.tenantRoutes: file "+filepath.Join(filepath.Dir(path), "gone.json")+" does not exist")
	assert.Len(t, rejected(problems), 1)
}
