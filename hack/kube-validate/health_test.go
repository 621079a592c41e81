package main

import "testing"

// A minimal health check: the child's health status, Progressing until it has one.
const childHealth = `hs = {status = "Progressing", message = ""}
if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then
  hs.status = obj.status.health.status
end
return hs`

func TestEvaluateHealth(t *testing.T) {
	cases := []struct {
		name, script, status, want string
		wantErr                    bool
	}{
		{name: "the child's own health", script: childHealth, status: `{"health":{"status":"Degraded"}}`, want: "Degraded"},
		{name: "no status yet", script: childHealth, status: `{}`, want: "Progressing"},
		{name: "a script that does not compile", script: "return {", status: `{}`, wantErr: true},
		{name: "a status that is not JSON", script: childHealth, status: `{`, wantErr: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evaluateHealth(c.script, c.status)
			if c.wantErr {
				if err == nil {
					t.Fatalf("health %q, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("health %q, want %q", got, c.want)
			}
		})
	}
}
