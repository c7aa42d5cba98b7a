package dev.agentidp.app.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's headless Chromium through its chromedriver, as {@link ConsoleBrowserTests}
 * opens it, for the console's other browser tests: pages by path, elements by id, a
 * screenshot of each page in {@code target/console-screenshots/}.
 */
final class ConsoleBrowser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target/console-screenshots");

	private final ChromeDriver driver;

	private final String baseUrl;

	private ConsoleBrowser(ChromeDriver driver, String baseUrl) {
		this.driver = driver;
		this.baseUrl = baseUrl;
	}

	/** Skips the calling test class, saying why, when no Chromium is installed. */
	static void assumeChromium() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"The console's browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium and"
						+ " /usr/bin/chromedriver); .ci/run installs them with apt-get. Skipped here.");
	}

	/**
	 * Opens a browser with a profile of its own.
	 * @param baseUrl the provider's base URL
	 * @param profile an empty directory for the profile
	 * @return the browser
	 */
	static ConsoleBrowser open(String baseUrl, Path profile) {
		return new ConsoleBrowser(chromium(profile, "1280,900"), baseUrl);
	}

	/**
	 * Starts Debian's headless Chromium through its ChromeDriver, with a profile of its
	 * own: the one place the console's browser tests start a browser.
	 * @param profile an empty directory for the profile
	 * @param windowSize the window's size, e.g. {@code 1280,900}
	 * @return the driver; the caller quits it
	 */
	static ChromeDriver chromium(Path profile, String windowSize) {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// without the background-networking flags Chromium's own connections are refused
		// in the sandboxes this runs in, and it stalls
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=" + windowSize, "--user-data-dir=" + profile.toAbsolutePath());
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver driver = new ChromeDriver(service, options);
		driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
		return driver;
	}

	WebDriver driver() {
		return this.driver;
	}

	/** Opens a path of the provider. */
	void get(String path) {
		this.driver.get(this.baseUrl + path);
	}

	String currentUrl() {
		return this.driver.getCurrentUrl();
	}

	WebElement byId(String id) {
		return this.driver.findElement(By.id(id));
	}

	/**
	 * The element with this id once the page that has it is loaded: a click that posts a
	 * form may return before the next page is there.
	 */
	WebElement await(String id) {
		new WebDriverWait(this.driver, Duration.ofSeconds(20)).ignoring(WebDriverException.class)
			.withMessage(() -> "no element " + id + " on " + this.driver.getCurrentUrl())
			.until((driver) -> !driver.findElements(By.id(id)).isEmpty()
					&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
		return byId(id);
	}

	/**
	 * Clicks what navigates (a link, a form's submit) and waits until the page is left: a
	 * bare click may return before the next page is there, and a lookup right after it
	 * would read the page being left.
	 * @param id the element's id
	 */
	void clickToNavigate(String id) {
		clickAndWait(this.driver, byId(id));
	}

	/**
	 * Clicks an element that navigates and waits until the page it was on is left.
	 * @param driver the browser
	 * @param element what to click
	 */
	static void clickAndWait(WebDriver driver, WebElement element) {
		WebElement page = driver.findElement(By.tagName("html"));
		element.click();
		// while the page is being left, ChromeDriver may answer "Node with given id does
		// not belong to the document" rather than "stale": ask again until it is stale
		new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(WebDriverException.class)
			.until(ExpectedConditions.stalenessOf(page));
	}

	boolean has(String id) {
		return !this.driver.findElements(By.id(id)).isEmpty();
	}

	String text(String id) {
		return byId(id).getText();
	}

	/** Signs in with a local account's username and password. */
	void signIn(String username, String password) {
		get("/console/login");
		WebElement name = byId("username");
		name.clear();
		name.sendKeys(username);
		byId("password").sendKeys(password);
		byId("sign-in").click();
		// the POST, its redirect and the next page: a click may return before they end
		new WebDriverWait(this.driver, Duration.ofSeconds(20)).ignoring(WebDriverException.class)
			.until((driver) -> !driver.getCurrentUrl().endsWith("/console/login")
					&& "complete".equals(((JavascriptExecutor) driver).executeScript("return document.readyState")));
	}

	/** Saves a screenshot as {@code console-<page>.png}. */
	void screenshot(String page) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Path shot = this.driver.getScreenshotAs(OutputType.FILE).toPath();
			Files.copy(shot, SCREENSHOTS.resolve("console-" + page + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
