package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// crdSource is one line of the sources file: a Go module, its version, the hash the Go
// checksum database records for it, and CRD files inside it.
type crdSource struct {
	module, version, sum string
	files                []string
}

func readSources(path string) ([]crdSource, error) {
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var sources []crdSource
	for number, line := range strings.Split(string(content), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 4 {
			return nil, fmt.Errorf("%s:%d: want MODULE VERSION H1-SUM FILE..., got %q", path, number+1, line)
		}
		sources = append(sources, crdSource{module: fields[0], version: fields[1], sum: fields[2], files: fields[3:]})
	}
	return sources, nil
}

// moduleDir downloads a module through the Go module proxy (or finds it in the module
// cache) and refuses it unless its hash is the pinned one.
func moduleDir(source crdSource) (string, error) {
	command := exec.Command("go", "mod", "download", "-json", source.module+"@"+source.version)
	command.Stderr = os.Stderr
	output, err := command.Output()
	var info struct{ Dir, Sum, Error string }
	if jsonErr := json.Unmarshal(output, &info); jsonErr != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v %v", source.module, source.version, err, jsonErr)
	}
	if info.Sum != source.sum {
		return "", fmt.Errorf("%s@%s has hash %s, the sources file pins %s", source.module, source.version, info.Sum, source.sum)
	}
	if info.Dir != "" {
		return info.Dir, nil
	}
	// A module whose go.mod asks for a newer Go is downloaded and verified but reported as an
	// error without its directory; only its files are read here, so the extracted copy counts.
	cache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(strings.TrimSpace(string(cache)), source.module+"@"+source.version)
	if _, statErr := os.Stat(dir); statErr != nil {
		return "", fmt.Errorf("go mod download %s@%s: %s", source.module, source.version, info.Error)
	}
	return dir, nil
}

func crdFiles(sourcesPath string) ([]string, error) {
	sources, err := readSources(sourcesPath)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, source := range sources {
		dir, err := moduleDir(source)
		if err != nil {
			return nil, err
		}
		for _, file := range source.files {
			files = append(files, filepath.Join(dir, file))
		}
	}
	return files, nil
}
