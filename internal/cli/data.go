package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"nurture/internal/app"
	"nurture/internal/config"
	"nurture/internal/content"
	"nurture/internal/export"
	"nurture/internal/i18n"
	"nurture/internal/store"
)

func init() {
	commands["export"] = command{"export --family ID [--csv] FILE", "write a family's data to FILE (JSON, or a zip of CSV files)", exportCmd}
	commands["import"] = command{"import FILE", "load an export: merge into its family, or create the family if new", importCmd}
}

// dataFlags parses the server flags plus the command's own, and returns
// the one positional argument (the file).
func dataFlags(name string, args []string, extra func(*flag.FlagSet)) (config.Config, string, error) {
	c, fs, err := config.ParseWith(name, args, os.Getenv, extra)
	if err != nil {
		return c, "", err
	}
	if fs.NArg() != 1 {
		return c, "", fmt.Errorf("usage: nurture %s", commands[name].synopsis)
	}
	return c, fs.Arg(0), nil
}

func exportCmd(args []string, stdout, stderr io.Writer) error {
	var familyID string
	var csv bool
	c, file, err := dataFlags("export", args, func(fs *flag.FlagSet) {
		fs.StringVar(&familyID, "family", "", "id of the family to export (see the Family page or /api/v1/me)")
		fs.BoolVar(&csv, "csv", false, "write a zip of CSV files instead of JSON")
	})
	if err != nil {
		return err
	}
	if familyID == "" {
		return errors.New("--family is required")
	}
	if _, err := os.Stat(file); err == nil {
		return fmt.Errorf("%s already exists; choose another name", file)
	}
	ctx := context.Background()
	st, err := openStore(ctx, c, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	snap, err := st.ExportWithoutAudio(ctx, familyID)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no family with id %s", familyID)
	} else if err != nil {
		return err
	}
	doc := export.Build(snap, time.Now())
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	total := len(doc.Babies) + len(doc.Sessions) + len(doc.Touch) + len(doc.Sleep) + len(doc.Crying)
	bar := newProgress(stderr, -1, "writing "+file, true)
	w := io.MultiWriter(f, writerOf(bar))
	if csv {
		err = export.WriteCSVZip(w, doc)
	} else {
		err = export.Write(w, doc, func(id string) (store.Recording, error) { return st.ExportedRecording(ctx, familyID, id) })
	}
	bar.Finish()
	if err := errors.Join(err, f.Sync(), f.Close()); err != nil {
		os.Remove(file)
		return err
	}
	fmt.Fprintf(stdout, "exported %s: %d babies and %d entries to %s\n", doc.Family.Name, len(doc.Babies), total-len(doc.Babies), file)
	return nil
}

func importCmd(args []string, stdout, stderr io.Writer) error {
	c, file, err := dataFlags("import", args, nil)
	if err != nil {
		return err
	}
	lib, err := content.Load()
	if err != nil {
		return err
	}
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	ck := app.New(nil, lib, cat.Locales(), time.Now).Checks()
	// Checked whole first, record by record into a temporary file, so a
	// file of any size is read in little memory and refused before
	// anything is stored.
	sp, err := export.ReadSpool(f, ck, "")
	var prob *export.Problem
	if errors.As(err, &prob) {
		en := cat.For("en")
		return fmt.Errorf("%s is not a valid export: %s: %s", file, prob.Where, en.T(prob.What))
	} else if err != nil {
		return err
	}
	defer sp.Close()
	doc := sp
	ctx := context.Background()
	st, err := openStore(ctx, c, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	lock, err := st.LockImport(ctx, doc.Family.ID)
	if errors.Is(err, store.ErrImportRunning) {
		return fmt.Errorf("an import into family %s is already running; try again when it has finished", doc.Family.ID)
	} else if err != nil {
		return err
	}
	defer lock.Unlock()
	_, err = st.Family(ctx, doc.Family.ID)
	create := errors.Is(err, store.ErrNotFound)
	if err != nil && !create {
		return err
	}
	total := sp.Records
	if !create {
		total -= sp.Members
	}
	bar := newProgress(stderr, total, "importing", false)
	res, err := st.ImportFrom(ctx, lock, sp.Family, sp, create, func() { bar.Add(1) })
	bar.Finish()
	if err != nil {
		return fmt.Errorf("nothing was imported: %w", err)
	}
	how := "merged into"
	if create {
		how = "created"
	}
	fmt.Fprintf(stdout, "%s family %s (%s): %d records added, %d already there\n", how, doc.Family.Name, doc.Family.ID, res.Added, res.Unchanged)
	if create {
		fmt.Fprintln(stdout, "Members have no password yet: give each a link from `nurture user reset-password EMAIL`.")
	}
	return nil
}
